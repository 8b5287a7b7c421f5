/* storyexport: highlight the sentence being read aloud. A progressive enhancement: without this
   script the page, the player and its captions all work. The sentence times come from the
   audio element's data-sentences attribute: [[element id, begin seconds, end seconds], ...]. */
(function () {
  "use strict";

  function follow(audio) {
    var sentences;
    try {
      sentences = JSON.parse(audio.getAttribute("data-sentences"));
    } catch (error) {
      return;
    }
    var marked = null;

    function elementFor(id) {
      var element = document.getElementById(id);
      return element && element.tagName === "IMG" ? element.closest("figure") : element;
    }

    function sentenceAt(time) {
      for (var i = 0; i < sentences.length; i += 1) {
        if (time >= sentences[i][1] && time < sentences[i][2]) {
          return sentences[i][0];
        }
      }
      return null;
    }

    function mark(id) {
      var element = id ? elementFor(id) : null;
      if (element === marked) {
        return;
      }
      if (marked) {
        marked.classList.remove("speaking");
      }
      marked = element;
      if (marked) {
        marked.classList.add("speaking");
      }
    }

    function update() {
      mark(sentenceAt(audio.currentTime));
    }

    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
    audio.addEventListener("ended", function () { mark(null); });
  }

  document.querySelectorAll("audio[data-sentences]").forEach(follow);
}());
