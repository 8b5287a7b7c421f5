/* storyexport read-along: highlight the sentence and the word being read aloud, follow them into
   view, start the narration at any word, and show the captions. A progressive enhancement:
   without this script the page, the player and the captions file all work.
   The times come from the audio element's data-sentences attribute:
   [[sentence id, begin, end, [[word begin, word end], ...]], ...] in seconds; word K (from 1)
   of sentence "s3" is the element "s3wK" when the page shows it. */
(function () {
  "use strict";

  var FOLLOW_MARGIN = 0.15; /* keep the spoken word this far (a share of the window) from its edges */
  var SCROLL_KEYS = ["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "];
  var reduceMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;

  function timeline(audio) {
    var rows;
    try {
      rows = JSON.parse(audio.getAttribute("data-sentences"));
    } catch (error) {
      return null;
    }
    var sentences = [];
    rows.forEach(function (row) {
      var element = document.getElementById(row[0]);
      if (element && element.tagName === "IMG") {
        element = element.closest("figure");
      }
      if (!element) {
        return;
      }
      var sentence = {id: row[0], begin: row[1], end: row[2], element: element, words: []};
      (row[3] || []).forEach(function (times, index) {
        var word = document.getElementById(row[0] + "w" + (index + 1));
        if (word) {
          sentence.words.push({begin: times[0], end: times[1], element: word, sentence: sentence});
        }
      });
      sentences.push(sentence);
    });
    return sentences;
  }

  function ReadAlong(audio, sentences) {
    this.audio = audio;
    this.sentences = sentences;
    this.words = [];
    this.byElement = new Map();
    var self = this;
    sentences.forEach(function (sentence) {
      self.byElement.set(sentence.element, sentence);
      sentence.words.forEach(function (word) {
        word.index = self.words.length;
        self.words.push(word);
        self.byElement.set(word.element, word);
      });
    });
    this.sentence = null;
    this.word = null;
    this.following = true;
    this.frame = 0;
    this.focusable = null;
  }

  ReadAlong.prototype.at = function (time) {
    var sentence = null;
    for (var i = 0; i < this.sentences.length; i += 1) {
      if (time >= this.sentences[i].begin && time < this.sentences[i].end) {
        sentence = this.sentences[i];
        break;
      }
    }
    var word = null;
    if (sentence) {
      for (var j = 0; j < sentence.words.length && sentence.words[j].begin <= time; j += 1) {
        word = sentence.words[j]; /* a word stays lit through the short pause after it */
      }
    }
    return {sentence: sentence, word: word};
  };

  ReadAlong.prototype.update = function () {
    var now = this.at(this.audio.currentTime);
    if (now.sentence !== this.sentence) {
      swap(this.sentence, now.sentence, "speaking");
      this.sentence = now.sentence;
    }
    if (now.word !== this.word) {
      swap(this.word, now.word, "speaking-word");
      this.word = now.word;
      if (now.word && document.activeElement !== this.focusable) {
        this.makeFocusable(now.word); /* Tab into the text lands on the word being read */
      }
    }
    var shown = this.word || this.sentence;
    if (shown) {
      this.follow(shown.element);
    }
  };

  function swap(before, after, name) {
    if (before) {
      before.element.classList.remove(name);
    }
    if (after) {
      after.element.classList.add(name);
    }
  }

  ReadAlong.prototype.follow = function (element) {
    var box = element.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    var inView = box.top >= height * FOLLOW_MARGIN && box.bottom <= height * (1 - FOLLOW_MARGIN);
    if (!this.following) {
      this.following = inView && !this.audio.paused; /* the reader came back to it: follow again */
      return;
    }
    if (!inView && !this.audio.paused) {
      var instant = reduceMotion && reduceMotion.matches;
      element.scrollIntoView({block: "center", behavior: instant ? "instant" : "smooth"});
    }
  };

  /* The reader scrolls (wheel, touch, keys, the scroll bar): stop following until they come back
     to the spoken word, choose a word, or press play. Scrolling the script does itself is not
     counted, nor the page's own shifts as images load. */
  ReadAlong.prototype.watchReader = function () {
    var self = this;
    var away = function () { self.following = false; };
    window.addEventListener("wheel", away, {passive: true});
    window.addEventListener("touchmove", away, {passive: true});
    window.addEventListener("keydown", function (event) {
      var inText = self.byElement.has(event.target);
      var inControl = event.target.closest && event.target.closest("audio, input, button, select, textarea");
      if (SCROLL_KEYS.indexOf(event.key) >= 0 && !inText && !inControl) {
        away();
      }
    });
    document.documentElement.addEventListener("pointerdown", function (event) {
      if (event.target === document.documentElement) {
        away(); /* the scroll bar */
      }
    });
  };

  ReadAlong.prototype.playFrom = function (item) {
    var audio = this.audio;
    var start = function () {
      audio.currentTime = item.begin + 0.001;
      audio.play().catch(function () {});
    };
    this.following = true;
    this.makeFocusable(item.words ? (item.words[0] || null) : item);
    if (audio.readyState >= 1) {
      start();
    } else {
      audio.preload = "auto";
      audio.addEventListener("loadedmetadata", start, {once: true});
      audio.load();
    }
  };

  /* One tab stop in the text (a roving tabindex): the word being read, or the last one chosen. */
  ReadAlong.prototype.makeFocusable = function (word) {
    if (!word || word.element === this.focusable) {
      return;
    }
    if (this.focusable) {
      this.focusable.removeAttribute("tabindex");
      this.focusable.removeAttribute("aria-describedby");
    }
    this.focusable = word.element;
    this.focusable.setAttribute("tabindex", "0");
    this.focusable.setAttribute("aria-describedby", "read-along-hint");
  };

  ReadAlong.prototype.moveFocus = function (word) {
    if (word) {
      this.makeFocusable(word);
      word.element.focus();
    }
  };

  ReadAlong.prototype.onKey = function (event) {
    var word = this.byElement.get(event.target);
    if (!word || !word.sentence) {
      return;
    }
    var sentences = this.sentences;
    var position = sentences.indexOf(word.sentence);
    var next = null;
    if (event.key === "ArrowRight") {
      next = this.words[word.index + 1];
    } else if (event.key === "ArrowLeft") {
      next = this.words[word.index - 1];
    } else if (event.key === "ArrowDown") {
      next = firstWord(sentences.slice(position + 1));
    } else if (event.key === "ArrowUp") {
      next = word.sentence.words[0] !== word ? word.sentence.words[0] : lastSentenceStart(sentences.slice(0, position));
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.playFrom(word);
      return;
    } else {
      return;
    }
    event.preventDefault();
    this.moveFocus(next);
  };

  function firstWord(sentences) {
    for (var i = 0; i < sentences.length; i += 1) {
      if (sentences[i].words.length) {
        return sentences[i].words[0];
      }
    }
    return null;
  }

  function lastSentenceStart(sentences) {
    for (var i = sentences.length - 1; i >= 0; i -= 1) {
      if (sentences[i].words.length) {
        return sentences[i].words[0];
      }
    }
    return null;
  }

  ReadAlong.prototype.onClick = function (event) {
    if (event.target.closest("a, button, summary, audio, details")) {
      return; /* links and controls keep their own meaning */
    }
    var selection = window.getSelection ? String(window.getSelection()) : "";
    if (selection) {
      return; /* the reader is selecting text, not asking to listen */
    }
    var element = event.target.closest(".word, .sentence, figure");
    while (element && !this.byElement.has(element)) {
      element = element.parentElement ? element.parentElement.closest(".word, .sentence, figure") : null;
    }
    if (element) {
      this.playFrom(this.byElement.get(element));
    }
  };

  ReadAlong.prototype.run = function () {
    var self = this;
    var tick = function () {
      self.update();
      self.frame = self.audio.paused ? 0 : window.requestAnimationFrame(tick);
    };
    var audio = this.audio;
    audio.addEventListener("play", function () {
      self.following = true;
      if (!self.frame) {
        self.frame = window.requestAnimationFrame(tick);
      }
    });
    ["timeupdate", "seeked", "pause"].forEach(function (name) {
      audio.addEventListener(name, function () { self.update(); });
    });
    audio.addEventListener("ended", function () {
      swap(self.word, null, "speaking-word");
      swap(self.sentence, null, "speaking");
      self.word = self.sentence = null;
    });
    this.watchReader();
    var article = document.querySelector("main") || document.body;
    article.addEventListener("click", function (event) { self.onClick(event); });
    article.addEventListener("keydown", function (event) { self.onKey(event); });
    article.classList.add("read-along");
    this.makeFocusable(this.words[0] || null);
    var hint = document.getElementById("read-along-hint");
    if (hint && this.words.length) {
      hint.hidden = false;
    }
  };

  /* The captions panel shows the cue being spoken, from the same WebVTT file as the <track>;
     it appears with the first cue (before the narration plays it would be an empty box). */
  function showCaptions(audio) {
    var panel = audio.parentElement.querySelector(".captions");
    var track = audio.textTracks && audio.textTracks[0];
    if (!panel || !track) {
      return;
    }
    var text = panel.querySelector(".captions-text");
    track.mode = "hidden"; /* the cues load and change, the browser draws nothing of its own */
    var render = function () {
      var cue = track.activeCues && track.activeCues[0];
      if (cue) {
        text.replaceChildren(cue.getCueAsHTML()); /* the cue's text, its escapes undone, never markup */
        panel.hidden = false;
      }
    };
    track.addEventListener("cuechange", render);
  }

  document.querySelectorAll("audio[data-sentences]").forEach(function (audio) {
    var sentences = timeline(audio);
    if (sentences) {
      new ReadAlong(audio, sentences).run();
    }
    showCaptions(audio);
  });
}());
