import { Country } from "@bazaar/contracts";
import { type EnvVar, listVar } from "@bazaar/service-kit";
import * as v from "valibot";

/** Where shipping delivers unless `SUPPORTED_COUNTRIES` says otherwise. */
export const DEFAULT_SUPPORTED_COUNTRIES = [
  "AT",
  "AU",
  "BE",
  "CA",
  "CH",
  "DE",
  "DK",
  "ES",
  "FI",
  "FR",
  "GB",
  "IE",
  "IT",
  "JP",
  "NL",
  "NO",
  "NZ",
  "PL",
  "PT",
  "SE",
  "US",
] as const;

/** Antarctica is never served, even when listed, so tests and demos can always trigger a refusal. */
export const NEVER_SUPPORTED = "AQ";

/**
 * `countryListVar` is the kit's `listVar` with every entry checked as an ISO country code, so a typo such
 * as `de` or `Germany` stops start-up instead of silently refusing that country.
 */
export function countryListVar(defaultValue: readonly string[]): EnvVar<string[]> {
  return v.pipe(
    listVar(defaultValue),
    v.check(
      (codes) => codes.every((code) => v.is(Country, code)),
      "must be a comma-separated list of 2-letter upper-case ISO 3166 country codes",
    ),
  );
}

export function isSupported(country: string, supported: readonly string[]): boolean {
  return country !== NEVER_SUPPORTED && supported.includes(country);
}
