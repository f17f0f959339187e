/**
 * The local commands (`npm start`, `npm run order`) run on Node 20, where every AWS SDK client
 * would print the SDK's Node-version warning ("versions published after the first week of January 2027 will require
 * node >=22") in every command's output. Lambda runs Node 24, and the warning says nothing about this project, so the
 * commands turn that one warning off with the SDK's own documented switch, unless you set the variable yourself
 * (`AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false` shows it again). Every other warning is untouched; on
 * Node ≥ 22 the SDK does not warn and this does nothing. Import it first.
 */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22 && process.env[SDK_NODE_WARNING_SWITCH] === undefined) process.env[SDK_NODE_WARNING_SWITCH] = 'true';
