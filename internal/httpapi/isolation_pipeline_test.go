package httpapi_test

import "testing"

// Company A's pipeline data for the isolation matrix: its default pipeline,
// a deal on its contact moved to the second stage, and B's own deal.
func init() {
	worldSetups = append(worldSetups, func(w *world) {
		var pl struct {
			Items []struct {
				ID     string `json:"id"`
				Stages []struct {
					ID string `json:"id"`
				} `json:"stages"`
			} `json:"items"`
		}
		w.a.Do("GET", "/api/pipelines", nil).Want(200).Decode(&pl)
		w.ids["pipeline"], w.ids["stage"], w.ids["stage2"] = pl.Items[0].ID, pl.Items[0].Stages[0].ID, pl.Items[0].Stages[1].ID
		var d struct {
			ID string `json:"id"`
		}
		w.a.Do("POST", "/api/deals", map[string]any{"title": "A secret deal", "value": "1000.50", "contact_id": w.contactID}).Want(201).Decode(&d)
		w.ids["deal"] = d.ID
		w.a.Do("POST", "/api/deals/"+d.ID+"/move", map[string]any{"stage_id": w.ids["stage2"]}).Want(200)
		w.b.Do("GET", "/api/pipelines", nil).Want(200).Decode(&pl)
		w.ids["b_pipeline"], w.ids["b_stage"] = pl.Items[0].ID, pl.Items[0].Stages[0].ID
		w.b.Do("POST", "/api/deals", map[string]any{"title": "B deal"}).Want(201).Decode(&d)
		w.ids["b_deal"] = d.ID
	})
	snapshotPaths = append(snapshotPaths, func(w *world) []string {
		return []string{"/api/pipelines", "/api/pipelines/" + w.ids["pipeline"] + "/board", "/api/deals", "/api/deals/" + w.ids["deal"],
			"/api/pipelines/" + w.ids["pipeline"] + "/stages/" + w.ids["stage2"] + "/deals"}
	})
	add := map[string]func(t *testing.T, w *world){
		"listPipelines": func(t *testing.T, w *world) {
			if listHas(t, w.b, "/api/pipelines", w.ids["pipeline"]) || listHas(t, w.b, "/api/pipelines", w.ids["stage"]) {
				t.Error("B sees A's pipeline")
			}
		},
		"createPipeline": func(t *testing.T, w *world) {
			w.b.Do("POST", "/api/pipelines", map[string]any{"name": "Sales"}).Want(409) // B's own default has that name
			w.b.Do("POST", "/api/pipelines", map[string]any{"name": "Renewals"}).Want(201)
		},
		"getPipeline": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "GET", "/api/pipelines/"+w.ids["pipeline"], "/api/pipelines/"+missingID, nil)
		},
		"updatePipeline": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "PATCH", "/api/pipelines/"+w.ids["pipeline"], "/api/pipelines/"+missingID, map[string]any{"name": "Hacked"})
		},
		"deletePipeline": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "DELETE", "/api/pipelines/"+w.ids["pipeline"], "/api/pipelines/"+missingID, nil)
		},
		"addStage": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "POST", "/api/pipelines/"+w.ids["pipeline"]+"/stages", "/api/pipelines/"+missingID+"/stages", map[string]any{"name": "Hacked"})
		},
		"updateStage": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "PATCH", "/api/pipelines/"+w.ids["pipeline"]+"/stages/"+w.ids["stage"],
				"/api/pipelines/"+missingID+"/stages/"+missingID, map[string]any{"name": "Hacked"})
			expectHidden(t, w.b, "PATCH", "/api/pipelines/"+w.ids["b_pipeline"]+"/stages/"+w.ids["stage"],
				"/api/pipelines/"+w.ids["b_pipeline"]+"/stages/"+missingID, map[string]any{"name": "Hacked"})
		},
		"reorderStages": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "PUT", "/api/pipelines/"+w.ids["pipeline"]+"/stage-order", "/api/pipelines/"+missingID+"/stage-order",
				map[string]any{"stage_ids": []string{w.ids["stage2"], w.ids["stage"]}})
			w.b.Do("PUT", "/api/pipelines/"+w.ids["b_pipeline"]+"/stage-order", map[string]any{"stage_ids": []string{w.ids["stage"]}}).Want(422)
		},
		"deleteStage": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "DELETE", "/api/pipelines/"+w.ids["pipeline"]+"/stages/"+w.ids["stage2"],
				"/api/pipelines/"+missingID+"/stages/"+missingID, nil)
			// B's own stage holds B's deal; A's stage is no place to move it.
			w.b.Do("DELETE", "/api/pipelines/"+w.ids["b_pipeline"]+"/stages/"+w.ids["b_stage"]+"?move_to="+w.ids["stage"], nil).Want(422)
		},
		"getBoard": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "GET", "/api/pipelines/"+w.ids["pipeline"]+"/board", "/api/pipelines/"+missingID+"/board", nil)
			if listHas(t, w.b, "/api/pipelines/"+w.ids["b_pipeline"]+"/board?owner_id="+w.a.Me.User.ID.String(), w.ids["deal"]) {
				t.Error("B's board shows A's deal")
			}
		},
		"listStageCards": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "GET", "/api/pipelines/"+w.ids["pipeline"]+"/stages/"+w.ids["stage"]+"/deals",
				"/api/pipelines/"+missingID+"/stages/"+missingID+"/deals", nil)
			expectHidden(t, w.b, "GET", "/api/pipelines/"+w.ids["b_pipeline"]+"/stages/"+w.ids["stage"]+"/deals",
				"/api/pipelines/"+w.ids["b_pipeline"]+"/stages/"+missingID+"/deals", nil)
			if listHas(t, w.b, "/api/pipelines/"+w.ids["b_pipeline"]+"/stages/"+w.ids["b_stage"]+"/deals?owner_id="+w.a.Me.User.ID.String(), w.ids["deal"]) {
				t.Error("B's column shows A's deal")
			}
		},
		"listDeals": func(t *testing.T, w *world) {
			for _, p := range []string{"/api/deals", "/api/deals?q=secret", "/api/deals?pipeline_id=" + w.ids["pipeline"],
				"/api/deals?contact_id=" + w.contactID, "/api/deals?stage_id=" + w.ids["stage2"], "/api/deals?owner_id=" + w.a.Me.User.ID.String()} {
				if listHas(t, w.b, p, w.ids["deal"]) || listHas(t, w.b, p, "A secret deal") {
					t.Errorf("B's %s shows A's deal", p)
				}
			}
		},
		"createDeal": func(t *testing.T, w *world) {
			for field, v := range map[string]string{"contact_id": w.contactID, "stage_id": w.ids["stage"], "pipeline_id": w.ids["pipeline"],
				"owner_id": w.a.Me.User.ID.String()} {
				p := w.b.Do("POST", "/api/deals", map[string]any{"title": "X", field: v}).Want(422).Problem()
				if !p.HasFieldError("body." + field) {
					t.Errorf("creating a deal with A's %s: %+v", field, p)
				}
			}
			w.b.Do("POST", "/api/deals", map[string]any{"title": "X", "company_id": w.a.Me.Company.ID}).Want(422)
		},
		"getDeal": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "GET", "/api/deals/"+w.ids["deal"], "/api/deals/"+missingID, nil)
		},
		"updateDeal": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "PATCH", "/api/deals/"+w.ids["deal"], "/api/deals/"+missingID, map[string]any{"title": "Hacked"})
			w.b.Do("PATCH", "/api/deals/"+w.ids["b_deal"], map[string]any{"contact_id": w.contactID}).Want(422)
		},
		"moveDeal": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "POST", "/api/deals/"+w.ids["deal"]+"/move", "/api/deals/"+missingID+"/move", map[string]any{"stage_id": w.ids["b_stage"]})
			w.b.Do("POST", "/api/deals/"+w.ids["b_deal"]+"/move", map[string]any{"stage_id": w.ids["stage"]}).Want(422)
			w.b.Do("POST", "/api/deals/"+w.ids["b_deal"]+"/move", map[string]any{"stage_id": w.ids["b_stage"], "before_id": w.ids["deal"]}).Want(422)
			w.b.Do("POST", "/api/deals/"+w.ids["b_deal"]+"/move", map[string]any{"stage_id": w.ids["b_stage"], "after_id": w.ids["deal"]}).Want(422)
		},
		"deleteDeal": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "DELETE", "/api/deals/"+w.ids["deal"], "/api/deals/"+missingID, nil)
		},
	}
	for k, v := range add {
		matrix[k] = v
	}
}
