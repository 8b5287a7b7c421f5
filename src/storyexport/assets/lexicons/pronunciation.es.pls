<?xml version="1.0" encoding="UTF-8"?>
<!-- storyexport's built-in entries: acronyms said as words, not spelled letter by letter.
     A story's own lexicon, or its folder's, overrides any of them. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="es">
  <lexeme><grapheme>ACNUR</grapheme><alias>Acnur</alias></lexeme>
  <lexeme><grapheme>UNICEF</grapheme><alias>Unicef</alias></lexeme>
  <lexeme><grapheme>UNESCO</grapheme><alias>Unesco</alias></lexeme>
  <lexeme><grapheme>OTAN</grapheme><alias>Otan</alias></lexeme>
  <lexeme><grapheme>COVID</grapheme><alias>Covid</alias></lexeme>
  <lexeme><grapheme>ONUSIDA</grapheme><alias>Onusida</alias></lexeme>
  <lexeme><grapheme>SIDA</grapheme><alias>sida</alias></lexeme>
  <lexeme><grapheme>FIFA</grapheme><alias>Fifa</alias></lexeme>
  <lexeme><grapheme>OPEP</grapheme><alias>Opep</alias></lexeme>
  <lexeme><grapheme>MERCOSUR</grapheme><alias>Mercosur</alias></lexeme>
  <lexeme><grapheme>CEPAL</grapheme><alias>Cepal</alias></lexeme>
  <lexeme><grapheme>UNAM</grapheme><alias>Unam</alias></lexeme>
</lexicon>
