/* Live total: quantity × the chosen package's price. The form above
   computes the same on the server without JavaScript. */
(function () {
  var form = document.getElementById("order-form");
  var out = document.getElementById("total");
  var qty = document.getElementById("f-quantity");
  if (!form || !out || !qty) return;
  var fmt = new Intl.NumberFormat(document.documentElement.lang === "fr" ? "fr-FR" : "en-US",
    {style: "currency", currency: out.dataset.currency, currencyDisplay: "narrowSymbol"});
  function update(e) {
    if (e && e.target.name !== "package" && e.target.name !== "quantity") return;
    var p = form.querySelector("input[name=package]:checked");
    var cards = form.querySelectorAll(".package");
    for (var i = 0; i < cards.length; i++) {
      cards[i].classList.toggle("is-selected", cards[i].contains(p));
    }
    var raw = qty.value.trim(), n = Number(raw);
    if (p && e) refresh(p.value, raw);
    if (!p || !/^[0-9]+$/.test(raw) || n < 1 || n > Number(qty.max)) { out.textContent = "—"; return; }
    out.textContent = fmt.format(Number(p.dataset.amount) * n / 100);
  }
  /* The fees come from the server, which alone prices an order: fetch
     the page for this package and quantity and take its breakdown. */
  var breakdown = document.getElementById("breakdown"), pending;
  function refresh(pkg, q) {
    if (!breakdown) return;
    clearTimeout(pending);
    pending = setTimeout(function () {
      var url = form.getAttribute("data-page") + "?package=" + encodeURIComponent(pkg) + "&quantity=" + encodeURIComponent(q);
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("breakdown");
        if (fresh) breakdown.innerHTML = fresh.innerHTML;
      }).catch(function () {});
    }, 150);
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  document.getElementById("recalc").hidden = true;
  update();
})();
