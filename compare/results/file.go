package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// File is the name of the results file in a run's output folder.
const File = "results.json"

// Write writes res as dir/results.json, creating dir.
func Write(dir string, res *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("results: encoding results: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, File), append(b, '\n'), 0o644)
}

// Read reads a results file written by Write, rejecting another schema.
func Read(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	// The schema first: another schema's fields may not decode into this one's.
	var version struct {
		Schema int `json:"schema"`
	}
	if err := json.Unmarshal(b, &version); err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	if version.Schema != Schema {
		return nil, fmt.Errorf("results: %s has schema %d; this poolbench reads %d", path, version.Schema, Schema)
	}
	var res Results
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	return &res, nil
}
