export * from './webhook-signature-verifier';
export * from './standard-webhooks.verifier';
export * from './unsigned-webhooks.verifier';
