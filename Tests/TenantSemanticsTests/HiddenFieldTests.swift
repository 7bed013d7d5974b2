import TenantModel
import Testing

/// Fields whose names start with `_` feed formulas but stay out of artifacts.
@Suite struct HiddenFieldTests {
    @Test func hiddenFieldsAreReadButNotEmitted() throws {
        let c = compile("""
        tier h {
          _plan { cpu = 2cores  admins = ["a", "b"] }
          info {
            users = ["${x}@${tenant.id}.example.com" for x in _plan.admins]
            cpu = _plan.cpu
            _note = "internal"
          }
        }
        tenant acme extends h { _plan.admins = super + ["c"] }
        """)
        #expect(c.diagnostics.isEmpty, "\(summary(c.diagnostics))")
        let config = try #require(c.tenant?.config)
        #expect(config.keys == ["info"])
        guard case .record(let info)? = config["info"] else {
            Issue.record("no info record")
            return
        }
        #expect(info.keys == ["users", "cpu"])
        #expect(info["users"] == .list([.string("a@acme.example.com"), .string("b@acme.example.com"), .string("c@acme.example.com")]))
        #expect(info["cpu"] == .cpu(CPU(millicores: 2000)))
    }

    @Test func hiddenFieldsAreStillTypeChecked() {
        let c = compile("""
        tier h { _limit = 5  shown = _limit * 2 }
        tenant acme extends h { _limit = "five" }
        """)
        #expect(c.diagnostics.contains { $0.code.id == "E0305" })
    }
}
