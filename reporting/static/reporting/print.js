// The annual report's "Print or save as PDF" button: shown only where this script runs.
(function () {
  var button = document.getElementById("print");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
