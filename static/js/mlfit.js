// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // After a step comes back with errors, take keyboard and screen-reader
  // users straight to the summary of what is missing.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  // Links in the error summary move focus to the statement's first option,
  // not just scroll to it.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      var input = target && target.querySelector("input");
      if (input) {
        event.preventDefault();
        target.scrollIntoView({ block: "center" });
        input.focus({ preventScroll: true });
      }
    });
  });

  // The share link selects itself so it is easy to copy.
  var share = document.getElementById("share-link");
  if (share) {
    share.addEventListener("focus", function () { share.select(); });
  }
});
