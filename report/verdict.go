package report

import (
	"slices"

	"poolbench/compare/results"
)

// defectSymbol marks a defect in text, so that a reader who cannot tell the colors apart,
// or reads the Markdown, sees it too.
const defectSymbol = "✗"

// notApplicable is the word of a probe that could not bring the executor into the state
// it tests: it ranks neither better nor worse than the probe's other words.
const notApplicable = "n/a"

// verdictCell is how the verdict matrix shows v, a verdict of probe p: its text (a defect
// in bold behind defectSymbol) and its mark. The severity comes from the run: a defect
// is what the run's defect rule decided (v.Defect); otherwise the verdict is fine when it
// is the best of the probe's words (the run lists them worst first, n/a aside) and a
// behaviour when it is another of them. n/a, and a word the probe does not list and the
// rule does not call a defect (the probe's own failure), get no color.
func verdictCell(p results.Probe, v results.Verdict) (string, mark) {
	m := mark{Class: "verdict-" + v.Word}
	var words []string
	for _, w := range p.Words {
		if w.Word != notApplicable {
			words = append(words, w.Word)
		}
	}
	i := slices.Index(words, v.Word)
	switch {
	case v.Defect:
		m.Sev = sevDefect
	case i >= 0 && i == len(words)-1:
		m.Sev = sevFine
	case i >= 0:
		m.Sev = sevBehaviour
	}
	return verdictMarkdown(v), m
}

// verdictLegend says what the verdict matrix's colors and symbols mean.
func verdictLegend(sh *results.Shutdown) []legendEntry {
	es := []legendEntry{
		{Mark: mark{Sev: sevDefect}, Swatch: "**" + defectSymbol + " defect**", Text: "by the defect rule above"},
		{Mark: mark{Sev: sevBehaviour}, Swatch: "behaviour", Text: "allowed, but not the probe's best outcome", ColorOnly: true},
		{Mark: mark{Sev: sevFine}, Swatch: "fine", Text: "the probe's best outcome (the last of its words)", ColorOnly: true},
	}
	for _, p := range sh.Probes {
		for _, w := range p.Words {
			if w.Word == notApplicable {
				return append(es, legendEntry{Swatch: notApplicable, Text: w.Meaning, ColorOnly: true})
			}
		}
	}
	return es
}
