<?xml version="1.0" encoding="UTF-8"?>
<!-- storyexport's built-in entries: acronyms said as words, not spelled letter by letter.
     A story's own lexicon, or its folder's, overrides any of them. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en">
  <lexeme><grapheme>UNICEF</grapheme><alias>Unicef</alias></lexeme>
  <lexeme><grapheme>UNESCO</grapheme><alias>Unesco</alias></lexeme>
  <lexeme><grapheme>NATO</grapheme><alias>Nato</alias></lexeme>
  <lexeme><grapheme>NASA</grapheme><alias>Nasa</alias></lexeme>
  <lexeme><grapheme>COVID</grapheme><alias>Covid</alias></lexeme>
  <lexeme><grapheme>UNAIDS</grapheme><alias>U N aids</alias></lexeme>
  <lexeme><grapheme>AIDS</grapheme><alias>aids</alias></lexeme>
  <lexeme><grapheme>FIFA</grapheme><alias>Fifa</alias></lexeme>
  <lexeme><grapheme>OPEC</grapheme><alias>Opec</alias></lexeme>
  <lexeme><grapheme>OK</grapheme><alias>okay</alias></lexeme>
  <lexeme><grapheme>ASEAN</grapheme><alias>Asean</alias></lexeme>
  <lexeme><grapheme>MERCOSUR</grapheme><alias>Mercosur</alias></lexeme>
</lexicon>
