// Every htmx request carries the page's CSRF token (summit/web/csrf.py) as X-CSRF-Token. The
// token is the page's last element, not an attribute of <body>, so that a cached page is the
// same for every visitor up to it and can be kept compressed (summit/web/encoded.py).
document.addEventListener("htmx:configRequest", (event) => {
  const field = document.getElementById("csrf-token");
  if (field) {
    event.detail.headers["X-CSRF-Token"] = field.value;
  }
});
