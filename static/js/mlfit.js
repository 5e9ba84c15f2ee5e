// Progressive enhancement only: every page works without this file.

// On a step page: the next statement comes to you, keys 1 to 5 answer, Enter
// goes on once the page is complete, and the progress bar and the time left
// move on as answers are chosen. Nothing is announced on top of what the
// radio buttons already say.
function enhanceStep(form) {
  var statements = Array.prototype.slice.call(form.querySelectorAll("fieldset.statement"));
  var nextButton = form.querySelector(".step-actions button[value='next']");
  var actions = form.querySelector(".step-actions");
  var progress = document.getElementById("step-progress");
  var timeLeft = document.getElementById("time-left");
  var texts = JSON.parse((timeLeft && timeLeft.getAttribute("data-texts")) || "{}");
  var elsewhere = progress ? parseInt(progress.getAttribute("data-answered-elsewhere"), 10) || 0 : 0;
  var motion = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  var byKey = false;

  function radios(statement) {
    return statement.querySelectorAll("input[type='radio']");
  }
  function isAnswered(statement) {
    return statement.querySelector("input[type='radio']:checked") !== null;
  }
  // Where the keyboard enters a statement: its answer, or its first option.
  function entry(statement) {
    return statement.querySelector("input[type='radio']:checked") || radios(statement)[0];
  }
  // The first statement after this one still open, else the first before it.
  function nextOpen(statement) {
    var at = statements.indexOf(statement);
    var order = statements.slice(at + 1).concat(statements.slice(0, at));
    return order.filter(function (other) { return !isAnswered(other); })[0] || null;
  }
  function bringIntoView(element) {
    element.scrollIntoView({ block: "center", behavior: motion });
  }
  function showProgress() {
    var answered = elsewhere + statements.filter(isAnswered).length;
    if (progress) {
      progress.value = answered;
    }
    var text = texts[String(progress ? progress.max - answered : "")];
    if (timeLeft && text !== undefined) {
      timeLeft.textContent = text;
    }
  }
  var answeredBefore = statements.map(isAnswered);

  form.addEventListener("change", function (event) {
    var statement = event.target.closest("fieldset.statement");
    if (!statement) {
      return;
    }
    var fromKey = byKey;
    byKey = false;
    var index = statements.indexOf(statement);
    var first = !answeredBefore[index];
    answeredBefore[index] = true;
    showProgress();
    var next = nextOpen(statement);
    if (fromKey) {
      // An answer by key 1 to 5 moves the keyboard on to what is still open.
      var target = next ? entry(next) : entry(statement);
      target.focus({ preventScroll: true });
      bringIntoView(next || actions);
    } else if (first) {
      // A click, a tap or the space bar: the next statement comes into view, focus stays.
      bringIntoView(next || actions);
    }
  });

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (input.type !== "radio" || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var statement = input.closest("fieldset.statement");
    if (!statement) {
      return;
    }
    if (/^[1-5]$/.test(event.key)) {
      event.preventDefault();
      var chosen = radios(statement)[Number(event.key) - 1];
      if (!chosen) {
        return;
      }
      if (chosen.checked) {
        // The same answer again: nothing changes, the keyboard still moves on.
        var next = nextOpen(statement);
        (next ? entry(next) : chosen).focus({ preventScroll: true });
        if (next) {
          bringIntoView(next);
        }
        return;
      }
      byKey = true;
      chosen.click(); // checks it and fires the change event handled above
    } else if (event.key === "Enter") {
      // Enter goes on only from a complete page; otherwise to what is still open.
      event.preventDefault();
      var open = statements.filter(function (other) { return !isAnswered(other); })[0];
      if (open) {
        entry(open).focus({ preventScroll: true });
        bringIntoView(open);
      } else if (nextButton) {
        if (form.requestSubmit) {
          form.requestSubmit(nextButton);
        } else {
          nextButton.click();
        }
      }
    }
  });
}

// On a results page: copy the link, the phone's share sheet, print. Without
// this script the buttons stay hidden and the link is plain, selectable text.
function enhanceResultActions(actions) {
  var status = actions.querySelector("[data-copy-status]");
  var linkOf = function (button) {
    var holder = document.getElementById(button.getAttribute("data-copy-link") ||
      button.getAttribute("data-share-link"));
    return holder ? holder.textContent.trim() : window.location.href;
  };
  function say(text) {
    if (status && text) {
      status.textContent = text;
    }
  }
  function selectLink(holder) {
    var range = document.createRange();
    range.selectNodeContents(holder);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  var copy = actions.querySelector("[data-copy-link]");
  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var holder = document.getElementById(copy.getAttribute("data-copy-link"));
      var copied = function () { say(copy.getAttribute("data-copied")); };
      var selected = function () {
        if (holder) { selectLink(holder); }
        say(copy.getAttribute("data-select"));
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(linkOf(copy)).then(copied, selected);
      } else {
        selected();
      }
    });
  }

  var share = actions.querySelector("[data-share-link]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: share.getAttribute("data-share-title"), url: linkOf(share) })
        .catch(function () { /* the person closed the share sheet */ });
    });
  }

  var print = actions.querySelector("[data-print]");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
}

document.addEventListener("DOMContentLoaded", function () {
  // Lets the style sheet show what only works with this script, such as the keys' hint.
  document.documentElement.classList.add("js");

  var stepForm = document.getElementById("step-form");
  if (stepForm) {
    enhanceStep(stepForm);
  }

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

  var resultActions = document.querySelector(".result-actions");
  if (resultActions) {
    enhanceResultActions(resultActions);
  }
});
