# sarifkit example policy: the security stage.
# Input: the document `sarifkit gate --print-input` writes. Runs in sarifkit (regopy) and OPA:
#   opa eval -d templates/policies -i input.json data.sarifkit
package sarifkit.security

import rego.v1

# A secret is leaked once it is pushed, whatever severity the scanner gave it.
deny contains msg if {
	some f in input.findings
	f.open
	f.scan_kind == "secret"
	msg := sprintf("secret %s found in %s (%s)", [f.rule_id, f.location, f.tool])
}

# A scan that did not complete says nothing about what it missed.
deny contains msg if {
	some s in input.scans
	not s.successful
	msg := sprintf("the %s scan %s did not complete", [s.kind, s.source])
}

# Upgrade advice for open findings in packages that have a fixed version.
warn contains msg if {
	some f in input.findings
	f.open
	not f.duplicate
	f.package != null
	count(f.package.fixed_versions) > 0
	# concat, not sprintf: rego-cpp 1.x quotes a concat result that sprintf formats with %s.
	msg := concat("", [f.rule_id, ": upgrade ", f.package.name, " to ", concat(", ", f.package.fixed_versions)])
}
