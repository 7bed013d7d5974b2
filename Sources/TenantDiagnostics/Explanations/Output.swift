// Pages of the codes of files and output (E0501–W0509).
extension Explanation {
    static let output: [Explanation] = [
        unreadableFile, noTiers, unwritableOutput, backendFailed, tooManyDiagnostics, artifactTooLarge, staleArtifact,
        changedArtifact, unusableManifest,
    ]

    private static let unreadableFile = Explanation(.unreadableFile, """
        An input cannot be read: the file does not exist, is not readable, or a directory given
        cannot be listed (`--tiers DIR` that is not a directory is reported the same way). This
        is an I/O error, not a problem of the configuration: the exit status is 2 and `build`
        writes nothing. A file elsewhere in the project, read only for the tiers it may declare,
        that cannot be read is a warning with this code: its tiers are then unknown.

        Check the path (shells expand `tenants/*.tenant` only when something matches) and the
        file's permissions.
        """,
        failing: Example([nameTier, acmeTenant], command: ["check", "tenants/acme.tenant", "tenants/globex.tenant"]),
        fixed: Example([nameTier, acmeTenant], command: ["check", "tenants/acme.tenant"]))

    private static let noTiers = Explanation(.noTiers, """
        A tenant extends a tier, and no tier was found at all: the tier directory is missing,
        empty, or not where tenantc looks. Tiers are the `.tenant` files of the nearest `tiers/`
        directory above each input, or of `--tiers DIR`, and every tier declared elsewhere in
        the project. (With some tiers found, a tier name none of them declares is E0203.)

        Put the tiers in a `tiers/` directory at the root of the project, or pass `--tiers DIR`.
        """,
        failing: Example([acmeTenant]),
        fixed: Example([nameTier, acmeTenant]))

    private static let unwritableOutput = Explanation(.unwritableOutput, """
        An artifact, the output directory or the build manifest cannot be written: a file
        stands where the directory should be, a directory is not writable, the disk is full.
        Artifacts are staged in temporary files and renamed into place only once all of them
        are staged, so a build that fails this way leaves the previous artifacts in place
        (docs/robustness.md has the exact guarantees). The exit status is 2.

        Choose another directory with `-o DIR`, or fix what stands in the way.
        """,
        failing: Example([nameTier, acmeTenant, ExampleFile("out", "a file where the output directory goes")],
                         command: ["build", "tenants/"]),
        fixed: Example([nameTier, acmeTenant], command: ["build", "tenants/"]))

    private static let backendFailed = Explanation(.backendFailed, """
        A backend failed for a tenant. A backend `--emit NAME` that is not built in runs the
        plugin `tenantc-gen-NAME` from `PATH`, with the tenant as JSON on its standard input;
        it fails when it exits with a non-zero status or a signal, runs longer than
        `--plugin-timeout` (60 seconds by default), or writes more than `--max-artifact-size`.
        The end of what it wrote to its standard error is quoted. It is an error of that
        tenant: nothing is written unless `--keep-going`.

        Fix the plugin, or what in the tenant it cannot handle.
        """,
        failing: pluginExample(ExampleFile("plugins/tenantc-gen-toml", """
            #!/bin/sh
            echo "toml: cannot encode this tenant" >&2
            exit 1
            """, executable: true)),
        fixed: pluginExample(ExampleFile("plugins/tenantc-gen-toml", """
            #!/bin/sh
            cat > /dev/null
            echo "id = \\"$TENANTC_TENANT_ID\\""
            """, executable: true)))

    private static func pluginExample(_ plugin: ExampleFile) -> Example {
        Example([nameTier, acmeTenant, plugin], command: ["build", "tenants/", "--emit", "toml"], pluginDirectory: "plugins")
    }

    private static let tooManyDiagnostics: Explanation = {
        let tenants = ExampleFile("tenants/all.tenant", shown: """
            tenant t0001 extends basic {}

            tenant t0002 extends basic {}

            … and so on, to t1001

            """, make: {
                var text = ""
                for n in 1...1001 { text += "tenant t\(String(repeating: "0", count: 4 - String(n).count))\(n) extends basic {}\n\n" }
                return Array(text.utf8)
            })
        return Explanation(.tooManyDiagnostics, """
            There are more diagnostics than are worth showing. At most 1000 are shown; the rest
            are summed up by this one, with their number and severity (the totals count them
            all). The lexer and the parser give up on a file after 1000 errors (past that, it is
            not configuration), and a tier or tenant keeps 1000 errors of its statements and
            counts the rest, each saying where it stopped: a flood would only hide the first.

            Fix the first errors: one cause often has many effects, as when a tier gains a
            required field that none of its tenants sets.
            """,
            failing: Example([regionTier(default: false), tenants]),
            fixed: Example([regionTier(default: true), tenants]))
    }()

    private static func regionTier(default: Bool) -> ExampleFile {
        .tier("""
            tier basic {
              region: string\(`default` ? " = \"eu-west-1\"" : "")
            }
            """)
    }

    private static let artifactTooLarge = Explanation(.artifactTooLarge, """
        A tenant's artifact would be larger than `--max-artifact-size` (64 MiB by default). The
        size is estimated from the tenant's values before anything is rendered, so a runaway
        formula costs neither the memory nor the time of writing it out. The error names the
        field that grows the artifact most.

        If the artifact is meant to be that large, raise the bound with `--max-artifact-size`
        (bytes, or a size such as `256MiB`); otherwise, make the formula produce less.
        """,
        failing: Example([hostsTier, acmeTenant], command: ["build", "tenants/", "--max-artifact-size", "1KiB"]),
        fixed: Example([hostsTier, acmeTenant], command: ["build", "tenants/", "--max-artifact-size", "64KiB"]))

    private static let hostsTier = ExampleFile.tier("""
        tier basic {
          name: string
          _a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
          _b = _a + _a + _a + _a + _a + _a + _a + _a + _a + _a
          hosts = ["${tenant.id}-db-${n}.example.com" for n in _b]
        }
        """)

    /// Two tenants built into `out/`, then `globex`'s file deleted; `more` is done after that.
    private static func removedTenant(_ more: [ExampleStep]) -> [ExampleStep] {
        [.run(["build", "tenants/"]), .remove("tenants/globex.tenant")] + more
    }

    private static let globexTenant = ExampleFile("tenants/globex.tenant", """
        tenant globex extends basic {
          name = "Globex"
        }
        """)

    private static let staleArtifact = Explanation(.staleArtifact, """
        The output directory holds an artifact tenantc wrote for a tenant that is not among
        this build's inputs: its `.tenant` file was most likely deleted, and a pipeline that
        provisions every file of the directory would keep provisioning it. `build` records the
        artifacts it writes in `DIR/.tenantc-manifest`, and reports such artifacts at every
        build until they are gone.

        If the tenant was removed, build the whole set with `--prune`, which removes its
        artifact (only while it holds what tenantc wrote). Never give `--prune` a single
        tenant's file: every other tenant would then be "not among the inputs".
        """,
        failing: Example([nameTier, acmeTenant, globexTenant], setup: removedTenant([]), command: ["build", "tenants/"]),
        fixed: Example([nameTier, acmeTenant, globexTenant], setup: removedTenant([]), command: ["build", "tenants/", "--prune"]))

    private static let changedArtifact = Explanation(.changedArtifact, """
        An artifact of a tenant that is not among the inputs was changed since tenantc wrote
        it. tenantc removes only files that still hold what it wrote, so this one is left
        alone, reported once, and no longer tracked: it may be someone else's file now.

        Remove the file by hand if it is not needed.
        """,
        failing: Example([nameTier, acmeTenant, globexTenant],
                         setup: removedTenant([.append("out/globex.yaml", line: "# edited by hand")]), command: ["build", "tenants/"]),
        fixed: Example([nameTier, acmeTenant, globexTenant],
                       setup: removedTenant([.append("out/globex.yaml", line: "# edited by hand"), .remove("out/globex.yaml")]),
                       command: ["build", "tenants/"]))

    private static let unusableManifest = Explanation(.unusableManifest, """
        The build manifest `DIR/.tenantc-manifest`, where `build` records the artifacts it
        writes, cannot be read or is not a manifest (edited by hand, or left with merge
        conflict markers), or could not be written. It is never a reason to remove anything: a
        bad manifest is ignored and replaced by one that lists this build's artifacts. What
        it listed before is forgotten, so artifacts of tenants removed earlier are no longer
        reported (W0507).

        Nothing more needs to be done; remove artifacts of removed tenants by hand if any are
        left. Keep the output directory out of version control, where conflicts arise.
        """,
        failing: Example([nameTier, acmeTenant, ExampleFile("out/.tenantc-manifest", """
            <<<<<<< HEAD
            acme.yaml acme 15 d57d6271a3807024
            =======
            >>>>>>> main
            """)], command: ["build", "tenants/"]),
        fixed: Example([nameTier, acmeTenant], command: ["build", "tenants/"]))
}
