import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requireTool } from './cli-tools.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./botocore-cbor.py', import.meta.url));

/**
 * Calls a CloudWatch operation through botocore's own Smithy RPC v2 CBOR serializer and parser
 * (botocore-cbor.py), the protocol recent AWS CLI v2 and Java SDKs use. Returns
 * `{ protocol, result }` or `{ protocol, error: { Code, Message } }`.
 */
export async function botocoreCbor(endpoint: string, op: string, params: object): Promise<any> {
  const python = requireTool('python3', 'apt-get install -y python3 && pip install awscli==1.45.11');
  const { stdout } = await run(python, [SCRIPT, endpoint, op, JSON.stringify(params)], { timeout: 30_000 });
  return JSON.parse(stdout);
}
