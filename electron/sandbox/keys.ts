/** Merchant credentials the sandbox checks requests with and signs answers with. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export type SandboxKeys = {
  wechat: { appId: string; mchId: string; apiKey: string };
  alipay: {
    appId: string;
    /** Merchant app key pair: the POS signs with the private key, the sandbox verifies with the public. */
    appPrivateKey: string;
    appPublicKey: string;
    /** "Alipay's" key pair: the sandbox signs answers, the POS verifies with the public key. */
    alipayPrivateKey: string;
    alipayPublicKey: string;
    /** Seller PID shown in bills. */
    pid: string;
  };
  unionpay: { merId: string; key: string };
  jeepay: { mchNo: string; appId: string; apiKey: string };
};

function rsaPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** Fresh random credentials; pass parts of `given` to keep them (e.g. RSA keys reused across tests). */
export function generateSandboxKeys(given: Partial<SandboxKeys> = {}): SandboxKeys {
  const hex = (n: number): string => randomBytes(n).toString('hex');
  let alipay = given.alipay;
  if (!alipay) {
    const app = rsaPair();
    const platform = rsaPair();
    alipay = {
      appId: '2021000000000001',
      appPrivateKey: app.privateKey,
      appPublicKey: app.publicKey,
      alipayPrivateKey: platform.privateKey,
      alipayPublicKey: platform.publicKey,
      pid: '2088000000000001',
    };
  }
  return {
    wechat: given.wechat ?? { appId: 'wx0000000000sandbox', mchId: '1900000109', apiKey: hex(16) },
    alipay,
    unionpay: given.unionpay ?? { merId: '898000000000001', key: hex(16) },
    jeepay: given.jeepay ?? { mchNo: 'M1700000000', appId: hex(12), apiKey: hex(32) },
  };
}
