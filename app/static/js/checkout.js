// The checkout page: the new address's fields are shown only while "A new address" is the
// chosen destination. Without this script they are always shown, and the server uses them
// only when that choice is made.
(function () {
  "use strict";
  var sections = document.querySelectorAll("[data-shown-for]");
  Array.prototype.forEach.call(sections, function (section) {
    var radios = document.querySelectorAll(
      'input[type="radio"][name="' + section.getAttribute("data-shown-for") + '"]'
    );
    var value = section.getAttribute("data-shown-value");
    function update() {
      var chosen = Array.prototype.some.call(radios, function (radio) {
        return radio.checked && radio.value === value;
      });
      section.hidden = !chosen;
    }
    Array.prototype.forEach.call(section.querySelectorAll(".js-hidden"), function (note) {
      note.hidden = true;
    });
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();
