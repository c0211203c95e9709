# sarifkit example policy: the OWASP Top 10 stage.
# `f.owasp` holds the categories of the edition the policy picks ([score] owasp_edition).
package sarifkit.owasp

import rego.v1

# Injection, in either edition: a medium finding here is already exploitable.
injection := {"A03:2021", "A05:2025"}

blocking_severities := {"critical", "high", "medium"}

deny contains msg if {
	some f in input.findings
	f.open
	f["class"] == "vulnerability"
	some category in f.owasp
	category in injection
	f.counted_severity in blocking_severities
	msg := sprintf("%s %s at %v: %s", [category, f.rule_id, f.location, f.title])
}

warn contains msg if {
	some c in input.score.owasp.categories
	c.count > 0
	msg := sprintf("OWASP %s %s: %d open finding(s)", [c.id, c.name, c.count])
}
