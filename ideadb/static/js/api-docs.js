/* The API reference: Swagger UI (served from /static/vendor/swagger-ui) reading our OpenAPI spec. */
(function () {
  "use strict";
  var host = document.getElementById("swagger-ui");
  if (!host || typeof window.SwaggerUIBundle !== "function") { return; }
  window.SwaggerUIBundle({
    url: host.getAttribute("data-spec-url"),
    domNode: host,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandLevel: 0,
    validatorUrl: null,
    tryItOutEnabled: false
  });
})();
