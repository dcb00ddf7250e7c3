import { devOverlaySecrets } from "@bazaar/system-harness";
import type { ClientSettings } from "../client/careful-client.js";
import { createProduct } from "../client/catalogue.js";
import { register, type Session, signIn } from "../client/session.js";
import type { LoadSettings } from "./scenario.js";

/** The accounts users seeds (its defaults), with the dev overlay's passwords. */
const ADMIN_EMAIL = "admin@bazaar.local";
const CUSTOMER_EMAIL = "customer@bazaar.local";
const PASSWORD = "fault-suite-password";

export interface ClientWorld {
  readonly admin: Session;
  readonly customers: readonly Session[];
  readonly products: { readonly plenty: string; readonly scarce: string };
}

/**
 * `setUpClient` prepares what the load needs, through the public API only: the admin signs in, customers
 * register (with keys) and sign in, and two products are created, one with ample stock and one with
 * a few units.
 */
export async function setUpClient(
  root: string,
  settings: ClientSettings,
  load: LoadSettings,
): Promise<ClientWorld> {
  const users = devOverlaySecrets(root).get("users-secrets");
  const admin = await signIn(settings, { email: ADMIN_EMAIL, password: users?.get("admin-password") ?? "" });
  const customers: Session[] = [
    await signIn(settings, { email: CUSTOMER_EMAIL, password: users?.get("customer-password") ?? "" }),
  ];
  for (let i = 1; i < load.customers; i++) {
    const email = `customer-${i}@faults.example`;
    await register(settings, { email, password: PASSWORD, name: `Fault customer ${i}` });
    customers.push(await signIn(settings, { email, password: PASSWORD }));
  }
  const products = { plenty: "FAULTS-PLENTY", scarce: "FAULTS-SCARCE" };
  await createProduct(settings, admin, {
    sku: products.plenty,
    name: "Plenty",
    priceCents: 1500,
    stock: 1_000_000,
  });
  await createProduct(settings, admin, {
    sku: products.scarce,
    name: "Scarce",
    priceCents: 2500,
    stock: load.scarceStock,
  });
  return { admin, customers, products };
}
