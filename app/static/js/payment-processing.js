// The order page while a card payment is processing: reload every few seconds until
// the webhook has marked it paid (the page then has no such script), for a minute at most.
(function () {
  "use strict";
  var key = "payment-processing-reloads:" + window.location.pathname;
  var reloads = Number(window.sessionStorage.getItem(key) || "0");
  if (reloads >= 20) {
    return;
  }
  window.setTimeout(function () {
    window.sessionStorage.setItem(key, String(reloads + 1));
    window.location.reload();
  }, 3000);
})();
