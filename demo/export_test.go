package demo

// DemoAppeal is what tests know of a demo appeal: its key, the name of the
// district its point lies in and the state its steps bring it to.
type DemoAppeal struct{ Key, District, State string }

// DemoAppeals lists the demo appeals for tests.
func DemoAppeals() []DemoAppeal {
	names := map[string]string{}
	for _, d := range districts() {
		names[d.Code] = d.Name
	}
	to := map[string]string{"publish": "review", "answer": "answered", "interim_answer": "interim",
		"request_info": "info_requested", "close_not_fixed": "closed_not_fixed", "confirm": "closed_fixed"}
	var out []DemoAppeal
	for _, da := range demoAppeals() {
		state := "moderation"
		if n := len(da.steps); n > 0 {
			state = to[da.steps[n-1].action]
		}
		out = append(out, DemoAppeal{da.key, names[da.district], state})
	}
	return out
}
