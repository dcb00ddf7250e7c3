/** Messages are written for an English-speaking, euro-first shop; the currency symbol follows the amount's currency. */
const LOCALE = "en-IE";

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string): Intl.NumberFormat {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { style: "currency", currency });
    formats.set(currency, format);
  }
  return format;
}

/**
 * `formatMoney` turns integer minor units into a price people read. The number of minor digits comes from
 * the currency itself (2 for EUR, 0 for JPY, 3 for KWD), so `cents` is never assumed to be hundredths.
 *
 * @example
 * formatMoney(1299, "EUR"); // "€12.99"
 * formatMoney(1500, "JPY"); // "JP¥1,500"
 */
export function formatMoney(cents: number, currency: string): string {
  const format = formatFor(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(cents / 10 ** digits);
}
