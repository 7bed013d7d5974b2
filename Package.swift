// swift-tools-version: 6.0
import PackageDescription

/// Release builds of the compiler's modules check exclusive access statically only: the
/// dynamic check costs a call on every access to a class's stored array (the evaluator's
/// stacks, the parser's state), for violations that debug builds and the test suite trap on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "tenantc",
    products: [
        .executable(name: "tenantc", targets: ["tenantc"]),
        // The compiler as a library, for Swift tools that compile `.tenant` files themselves
        // (docs/architecture.md, "Calling the compiler").
        .library(name: "TenantCompiler", targets: ["TenantCompiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // AES-256-GCM and SHA-256 for `secret` values (docs/secrets.md).
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        // libyaml, linked from the system (Debian: libyaml-dev).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // The calling thread's stack bounds (glibc's pthread_getattr_np is not visible from Swift).
        .target(name: "CStackBounds"),
        // Source files, spans, the diagnostic model and its renderers.
        .target(name: "TenantDiagnostics", swiftSettings: hotPath),
        // The value model shared by the evaluator and the backends: values, quantities, resolved tenants.
        .target(name: "TenantModel", swiftSettings: hotPath),
        // Tokens, lexer, AST, parser.
        .target(name: "TenantSyntax", dependencies: ["TenantDiagnostics", "TenantModel", "CStackBounds"], swiftSettings: hotPath),
        // The canonical layout of a file: `tenantc fmt` (docs/format.md).
        .target(name: "TenantFormat", dependencies: ["TenantSyntax", "TenantDiagnostics"], swiftSettings: hotPath),
        // Tier graph, schema, layers, types, evaluation, checks.
        .target(name: "TenantSemantics", dependencies: ["TenantSyntax", "TenantDiagnostics", "TenantModel"], swiftSettings: hotPath),
        // Keys, encryption and decryption of `secret` values.
        .target(name: "TenantSecrets", dependencies: ["TenantModel", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: hotPath),
        // Backend protocol, registry, YAML (libyaml) and JSON.
        .target(name: "TenantBackends", dependencies: ["TenantModel", "CYAML"], swiftSettings: hotPath),
        // Provisioning artifacts: PostgreSQL scripts and pg_hba lines, Redis ACLs (docs/provisioning.md).
        .target(name: "TenantProvisioning", dependencies: ["TenantBackends", "TenantModel", "TenantSecrets"], swiftSettings: hotPath),
        // Existing YAML and JSON brought into `.tenant` source: `tenantc import` (docs/import.md).
        .target(name: "TenantImport", dependencies: ["TenantModel", "TenantSyntax", "TenantSemantics", "TenantDiagnostics", "TenantFormat", "CYAML"],
                swiftSettings: hotPath),
        // The driver shared by the CLI and editor integrations: load, resolve, check, emit.
        .target(
            name: "TenantCompiler",
            dependencies: ["TenantSyntax", "TenantSemantics", "TenantDiagnostics", "TenantModel", "TenantBackends", "TenantSecrets", "TenantFormat",
                           "TenantProvisioning", "TenantImport"],
            swiftSettings: hotPath
        ),
        // The language server: `tenantc lsp` (docs/editors.md).
        .target(
            name: "TenantLanguageServer",
            dependencies: ["TenantCompiler", "TenantSemantics", "TenantSyntax", "TenantDiagnostics", "TenantFormat", "TenantModel", "TenantSecrets"]
        ),
        // The command-line interface.
        .executableTarget(
            name: "tenantc",
            dependencies: [
                "TenantCompiler", "TenantDiagnostics", "TenantBackends", "TenantSecrets", "TenantModel", "TenantFormat", "TenantLanguageServer",
                "TenantProvisioning", "TenantImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // A fully static executable (the Swift runtime, libyaml, libc): an editor runs
            // `tenantc check` on every save, and loading and relocating shared libraries took
            // a quarter to a third of a one-file check. The static archives come with
            // libyaml-dev, libc6-dev and libstdc++-dev.
            linkerSettings: [
                .unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release)),
                // The argument parser uses FoundationEssentials, whose static archive needs these.
                .linkedLibrary("_FoundationCShims", .when(platforms: [.linux], configuration: .release)),
                .linkedLibrary("_FoundationCollections", .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .testTarget(name: "TenantSyntaxTests", dependencies: ["TenantSyntax", "TenantDiagnostics", "TenantModel"]),
        .testTarget(name: "TenantFormatTests", dependencies: ["TenantFormat", "TenantSyntax", "TenantDiagnostics", "TenantCompiler", "TenantBackends", "TenantTestSupport"]),
        .testTarget(name: "TenantSemanticsTests", dependencies: ["TenantSemantics", "TenantSyntax", "TenantDiagnostics", "TenantModel"]),
        // Shared by the tests: reads YAML back with libyaml's parser.
        .target(name: "TenantTestSupport", dependencies: ["CYAML"], path: "Tests/TenantTestSupport"),
        .testTarget(name: "TenantBackendsTests", dependencies: ["TenantBackends", "TenantModel", "CYAML", "TenantTestSupport"]),
        .testTarget(name: "TenantDiagnosticsTests", dependencies: ["TenantDiagnostics"]),
        .testTarget(name: "TenantImportTests", dependencies: ["TenantImport", "TenantCompiler", "TenantModel", "TenantSemantics", "TenantSyntax", "TenantDiagnostics",
                                                             "TenantTestSupport"]),
        .testTarget(
            name: "TenantLanguageServerTests",
            dependencies: ["TenantLanguageServer", "TenantCompiler", "TenantDiagnostics", "TenantSecrets", "TenantFormat", "TenantTestSupport"]
        ),
        .testTarget(name: "TenantSecretsTests", dependencies: ["TenantSecrets", "TenantModel"]),
        .testTarget(
            name: "TenantCompilerTests",
            dependencies: ["TenantCompiler", "TenantSemantics", "TenantSyntax", "TenantDiagnostics", "TenantModel", "TenantBackends", "TenantSecrets", "TenantFormat", "TenantImport", "CYAML", "TenantTestSupport"],
            // Goldens: expected outputs; Editors: the scripts the editor tests run in Neovim and Emacs.
            exclude: ["Goldens", "Editors"]
        ),
    ]
)

// The libFuzzer target, only when asked for (`fuzz/run.sh` sets TENANTC_FUZZ=1): it needs
// -sanitize=fuzzer, without which its LLVMFuzzerRunDriver call does not link.
if Context.environment["TENANTC_FUZZ"] != nil {
    package.targets += [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "TenantFuzz",
            // The driver comes in with the language server only (target `lsp`): every module
            // linked in adds coverage counters libFuzzer scans after each input.
            dependencies: ["CFuzzerDriver", "TenantBackends", "TenantDiagnostics", "TenantFormat", "TenantSemantics", "TenantSyntax", "TenantModel",
                           "TenantLanguageServer", "TenantCompiler", "TenantImport"]
        ),
    ]
    package.products += [.executable(name: "tenantc-fuzz", targets: ["TenantFuzz"])]
}
