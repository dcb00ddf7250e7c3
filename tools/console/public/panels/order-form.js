// A test order placed from the console (sagas tab): to see a saga run, or fail the way a card makes it.
import { api } from "../api.js";
import { $, esc } from "../lib/html.js";
import { sagaDetail } from "./saga-detail.js";

let productsLoaded = false;
export async function loadProducts() {
  if (productsLoaded) return;
  const { items } = await api("/api/products?limit=100");
  $("#order-sku").innerHTML = items
    .map((p) => `<option value="${esc(p.sku)}">${esc(p.sku)} · ${esc(p.name)} (${p.available} left)</option>`)
    .join("");
  productsLoaded = true;
}

// One Idempotency-Key per order the operator means to place: submitting again after a failure (a
// timeout, a lost connection) retries that order rather than placing a second one; changing the form
// or placing it successfully starts a new one.
let orderKey = crypto.randomUUID();
$("#order-form").addEventListener("input", () => {
  orderKey = crypto.randomUUID();
});

$("#order-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = $("#order-result");
  try {
    const order = await api("/api/orders", {
      method: "POST",
      headers: { "idempotency-key": orderKey },
      body: JSON.stringify({
        items: [{ sku: form.get("sku"), quantity: Number(form.get("quantity")) }],
        shippingAddress: {
          name: "Console Operator",
          line1: "1 Console Way",
          city: "London",
          postalCode: "N1 1AA",
          country: String(form.get("country")).toUpperCase(),
        },
        paymentMethod: { token: form.get("token") },
      }),
    });
    const details = await api(`/api/orders/${order.orderId}`);
    orderKey = crypto.randomUUID();
    result.textContent = `order ${order.orderId.slice(0, 8)} placed (${order.status})`;
    result.dataset.orderId = order.orderId;
    await sagaDetail.open(details.sagaId);
  } catch (err) {
    result.textContent = err.message;
  }
});
