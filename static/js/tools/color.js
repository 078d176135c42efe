// Colour tool: the native colour picker and the text field stay in sync. The page works without this file
// (the server then takes the picker's value when it differs from picker_shown).
(function () {
  "use strict";
  var picker = document.getElementById("picker");
  var text = document.getElementById("input");
  var shown = document.getElementById("picker-shown");
  if (!picker || !text || !shown) return;

  // Picker -> text: the text field now says the colour, so the server reads the text (htmx sends the form
  // on this same input event, which bubbles to the form).
  picker.addEventListener("input", function () {
    text.value = picker.value;
    shown.value = picker.value;
  });

  // Text -> picker: the result's hex, once the server has read what was typed (any CSS colour form).
  document.body.addEventListener("htmx:afterSwap", function () {
    var hex = document.getElementById("color-hex");
    if (!hex) return;
    var value = hex.textContent.trim().slice(0, 7).toLowerCase();
    if (/^#[0-9a-f]{6}$/.test(value) && picker.value !== value) {
      picker.value = value;
      shown.value = value;
    }
  });
})();
