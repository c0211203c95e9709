# sarifkit example policy: the compliance stage.
# Settings come from the policy TOML's [params] table (input.params):
#   license_deny   = ["AGPL-3.0", ...]   license id prefixes that may not ship
#   required_scans = ["sast", ...]       kinds of scan an audit expects
package sarifkit.compliance

import rego.v1

license_deny := object.get(input.params, "license_deny", ["AGPL-3.0", "GPL-2.0", "GPL-3.0", "SSPL-1.0"])

required_scans := object.get(input.params, "required_scans", ["sast", "dependency"])

deny contains msg if {
	some l in input.licenses
	l.status == "open"
	some banned in license_deny
	startswith(upper(l.license), upper(banned))
	msg := sprintf("license %s of %v is on the deny-list (%s)", [l.license, l.package, l.source])
}

deny contains msg if {
	some kind in required_scans
	not kind in input.scan_kinds
	msg := sprintf("compliance needs a %s scan; none was given", [kind])
}

# Production deploys ship with a software bill of materials.
deny contains msg if {
	input.environment.name == "production"
	count(input.components) == 0
	msg := "production needs an SBOM: give a CycloneDX or SPDX report with components"
}

warn contains msg if {
	some w in input.waivers
	w.state == "expired"
	msg := sprintf("waiver %d expired on %s: %s", [w.index, w.expires, w.reason])
}
