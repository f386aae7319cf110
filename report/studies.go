package report

import (
	"fmt"

	"poolbench/compare"
)

// notRun is the section body for a study the run did not include.
func notRun(study string) []block {
	return []block{para(fmt.Sprintf("This run did not include the %s study (`poolbench compare --studies=%s`).", study, study))}
}

func summarySection(res *compare.Results) (section, error) {
	return section{ID: "summary", Title: "Summary", Blocks: []block{para("No study with data.")}}, nil
}

func throughputSection(res *compare.Results) (section, error) {
	return section{ID: "throughput", Title: "Throughput", Blocks: notRun("throughput")}, nil
}
