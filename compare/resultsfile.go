package compare

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ResultsFile is the name of the results file in a run's output folder.
const ResultsFile = "results.json"

// WriteResults writes res as dir/results.json, creating dir.
func WriteResults(dir string, res *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("compare: encoding results: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, ResultsFile), append(b, '\n'), 0o644)
}

// ReadResults reads a results file written by WriteResults, rejecting another schema.
func ReadResults(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	var res Results
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("compare: %s: %w", path, err)
	}
	if res.Schema != Schema {
		return nil, fmt.Errorf("compare: %s has schema %d; this poolbench reads %d", path, res.Schema, Schema)
	}
	return &res, nil
}
