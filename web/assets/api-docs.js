// Swagger UI for /api/docs, from a file of its own: the Content-Security-Policy allows no inline
// script. BaseLayout, not the standalone preset's layout: that one's top bar draws the Swagger logo
// with an inline <style> the policy blocks, and offers to load other documents, which it blocks too.
// Authorizations stay in the page's memory (persistAuthorization: false: nothing in localStorage),
// and the document's address goes to no public validator (validatorUrl: null).
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
