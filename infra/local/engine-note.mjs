// After `npm install`: npm checks every package's `engines` against the Node that runs npm itself, with no
// setting to name another (npm 11 dropped `node-version`), so on a machine whose own Node is older than 22
// it warns once per Node-22-only package (EBADENGINE). Those warnings are shown, not hidden; this says, once,
// why they do not apply: every npm script runs on the Node 22 that the `node` devDependency just installed.
const npmNode = /\bnode\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1];
const major = (version) => Number(version.slice(1).split('.')[0]);
if (npmNode && major(npmNode) < 22 && major(process.version) >= 22) {
  console.log(
    `Note: npm ran on this machine's Node ${npmNode}, so its EBADENGINE warnings above (packages that need Node 22) are about that Node. ` +
      `Every npm script of this project (start, test, bench, …) runs on Node ${process.version} from the \`node\` devDependency, which they accept.`,
  );
}
