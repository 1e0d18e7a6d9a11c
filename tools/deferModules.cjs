/**
 * Loading @pulumi/pulumi loads, at its top, modules that a program run under the mock runtime never
 * calls: the TypeScript compiler and npm's Arborist (for serializing closures into function-based
 * resources), the Automation API, the gRPC clients and servers for a real engine, js-yaml;
 * @pulumi/kubernetes loads glob (for its YAML file globs); and the providers' indexes load every
 * namespace they have (over 150 for Alibaba Cloud). On this project's CI machine the SDK's alone were
 * two thirds of the 0.44 s and 57 of the 124 MB it takes to load it. Each is replaced, in the module
 * cache, by a stand-in that loads the real module the first time anything of it is used, and from
 * then on is that module: nothing is left out, it is loaded when (if ever) a program uses it.
 *
 * The stand-in says it is an ES module's namespace (`__esModule`), so that TypeScript's
 * `__importStar` and `__importDefault` keep it as it is instead of copying its properties (which would
 * load it); its `default` is what `__importDefault` would have given for the real module.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module, loaded by node --require */
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/** Module to defer, by the package that loads it. */
const DEFERRED = {
  "@pulumi/pulumi": [
    "typescript",
    "@npmcli/arborist",
    "normalize-package-data",
    "js-yaml",
    "./automation",
    "./provider",
    "@grpc/grpc-js",
    "@opentelemetry/api",
    // The gRPC services' clients and servers, for talking to a real engine.
    ...["analyzer", "callback", "engine", "resource", "provider"].map((service) => `./proto/${service}_grpc_pb`),
  ],
  "@pulumi/kubernetes": ["glob"],
};

/** The deferred modules' files, to whether they have been loaded since. */
const state = new Map();

/** Puts a stand-in for `file` into the module cache, unless something has loaded it already. */
function defer(file) {
  if (require.cache[file] || state.has(file)) return;
  let real;
  const load = () => {
    if (real === undefined) {
      delete require.cache[file];
      real = require(file);
      state.set(file, true);
    }
    return real;
  };
  // What the stand-in shows is the module as an ES module's namespace shows a CommonJS module: its
  // own properties, and `default` for the module itself (unless it is an ES module's namespace itself).
  const esm = (mod) => Boolean(mod && mod.__esModule);
  const standIn = new Proxy(() => undefined, {
    get: (_, key) => {
      if (key === "__esModule") return true;
      const mod = load();
      if (key === "default") return esm(mod) ? mod.default : mod;
      return mod[key];
    },
    set: (_, key, value) => Reflect.set(load(), key, value),
    has: (_, key) => key === "default" || key in load(),
    ownKeys: () => {
      const mod = load();
      const keys = Reflect.ownKeys(mod);
      return esm(mod) || keys.includes("default") ? keys : [...keys, "default"];
    },
    getOwnPropertyDescriptor: (_, key) => {
      const mod = load();
      if (key === "default" && !esm(mod)) return { value: mod, writable: false, enumerable: true, configurable: true };
      const descriptor = Reflect.getOwnPropertyDescriptor(mod, key);
      // A proxy may only report as non-configurable what its (empty) target has.
      return descriptor && { ...descriptor, configurable: true };
    },
    apply: (_, self, args) => Reflect.apply(load(), self, args),
    construct: (_, args, newTarget) => Reflect.construct(load(), args, newTarget === standIn ? load() : newTarget),
  });
  const module = new Module(file);
  module.filename = file;
  module.loaded = true;
  module.exports = standIn;
  require.cache[file] = module;
  state.set(file, false);
}

/**
 * Providers whose index loads every namespace of the provider (over 150 for Alibaba Cloud, each
 * registering its resource modules): each namespace is deferred until the program uses it.
 */
const NAMESPACED = ["@pulumi/alicloud", "@pulumi/kubernetes"];

/** The namespaces of a provider package: the folders of its root with an index.js. */
function namespacesOf(root) {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "node_modules" && fs.existsSync(path.join(root, entry.name, "index.js")))
    .map((entry) => `./${entry.name}`);
}

/** Defers the modules above; where a package or module is not installed, there is nothing to defer. */
function deferUnusedSdkModules() {
  const packages = Object.entries(DEFERRED);
  for (const pkg of NAMESPACED) packages.push([pkg, null]);
  for (const [pkg, listed] of packages) {
    let root;
    try {
      root = path.dirname(require.resolve(pkg, { paths: [__dirname] }));
    } catch {
      continue;
    }
    const ids = listed ?? namespacesOf(root);
    for (const id of ids) {
      try {
        defer(require.resolve(id, { paths: [root] }));
      } catch {
        // not installed: the package's own require will say so, if it ever needs it
      }
    }
  }
}

/** The deferred modules' files, each with whether it has been loaded since. */
function deferredModules() {
  return new Map(state);
}

module.exports = { deferUnusedSdkModules, deferredModules };
