// Starts Swagger UI on the gateway's own spec. It is a file, not an inline script, so the page's
// Content-Security-Policy can forbid inline scripts; every asset comes from this origin (no CDN).
window.addEventListener("load", () => {
  window.ui = window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The online validator badge would call validator.swagger.io.
    validatorUrl: null,
    persistAuthorization: false,
  });
});
