<?xml version="1.0" encoding="UTF-8"?>
<!-- How the English narration says the words the engines get wrong (W3C PLS 1.0, IPA).
     Found with `storyexport listen`; each entry is explained in source/serving-hope/README.md. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en">
  <lexeme>
    <grapheme>Venezuelan</grapheme>
    <phoneme>ˈvɛnəˈzweɪlən</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>a Venezuelan</grapheme>
    <grapheme>A Venezuelan</grapheme>
    <phoneme>eɪ ˈvɛnəˈzweɪlən</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Venezuelan and</grapheme>
    <phoneme>vɛnɪˈzweɪlɪn ˈænd</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Venezuelans</grapheme>
    <phoneme>ˈvɛnəˈzweɪlɪnz</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Venezuela</grapheme>
    <phoneme>ˈvɛnəˈzweɪlə</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Undeterred</grapheme>
    <grapheme>undeterred</grapheme>
    <phoneme>ˌʌndɪˈtɜːɹd</phoneme>
  </lexeme>
</lexicon>
