// The pay page: Stripe Elements' card form, confirmed with the intent's client secret.
// On success the shopper goes to the order page ("Payment processing" until the
// webhook lands); a failure shows its reason here and the shopper can try again.
// Its words come from the page (data-failed-message, data-locale), in the shop's language.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements({ locale: form.dataset.locale || "auto" }).create("card");
  card.mount("#card-element");
  var button = document.getElementById("pay-button");
  var errorBox = document.getElementById("payment-error");
  var working = document.getElementById("payment-working");

  function showError(message) {
    errorBox.textContent = message || form.dataset.failedMessage;
    errorBox.hidden = false;
    errorBox.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    working.hidden = false;
    errorBox.hidden = true;
    stripe
      .confirmCardPayment(form.dataset.clientSecret, { payment_method: { card: card } })
      .then(function (result) {
        working.hidden = true;
        var intent = result.paymentIntent;
        if (result.error) {
          button.disabled = false;
          showError(result.error.message);
        } else if (intent && intent.status !== "succeeded" && intent.status !== "processing") {
          // e.g. a failed 3-D Secure authentication: the intent wants a card again
          button.disabled = false;
          showError(intent.last_payment_error && intent.last_payment_error.message);
        } else {
          window.location.assign(form.dataset.returnUrl);
        }
      }, function (error) {
        working.hidden = true;
        button.disabled = false;
        showError(error && error.message);
      });
  });
})();
