// Follows a queued recommendation refresh: polls the site's latest recommendation until a newer
// one than the page had appears, then reloads the page, which then shows it as ready. Its words come
// from the page's data attributes, in the page's language.
(function () {
  var box = document.getElementById("refresh-progress");
  if (!box) { return; }
  var after = Number(box.dataset.after), started = Date.now(), elapsed = box.querySelector(".elapsed");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (latest) {
        var seconds = Math.round((Date.now() - started) / 1000);
        if (latest && latest.id !== null && latest.id !== after) {
          box.classList.add("done");
          box.textContent = box.dataset.ready;
          window.location.reload();
          return;
        }
        elapsed.textContent = seconds + " " + box.dataset.seconds + (seconds > 60 ? ": " + box.dataset.stillWaiting : "");
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}());
