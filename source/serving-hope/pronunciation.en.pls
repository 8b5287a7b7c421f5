<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en">
  <lexeme>
    <grapheme>Venezuelan</grapheme>
    <grapheme>Venezuelans</grapheme>
    <phoneme>ˌvɛnəˈzweɪlən</phoneme>
  </lexeme>
</lexicon>
