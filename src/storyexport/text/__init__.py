"""What every format shares: the article as semantic HTML, the narration plan and its timings, labels and languages."""
