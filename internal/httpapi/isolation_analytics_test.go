package httpapi_test

import "testing"

func init() {
	matrix["getDashboard"] = func(t *testing.T, w *world) {
		var d struct {
			PipelineID string `json:"pipeline_id"`
			OpenValue  string `json:"open_value"`
		}
		w.b.Do("GET", "/api/analytics/dashboard", nil).Want(200).Decode(&d)
		if d.PipelineID != w.ids["b_pipeline"] || d.OpenValue != "0.00" {
			t.Errorf("B's dashboard counts A's data: %+v", d)
		}
		w.b.Do("GET", "/api/analytics/dashboard?pipeline_id="+w.ids["pipeline"], nil).Want(422)
	}
}
