/** The pack's identity, shared by its entry point and the offline evaluator. */
export const PACK_NAME = "ack-platform";
