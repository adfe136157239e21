export * from './types';
export { transitions } from './transitions';
export { MemoryHandoffStore } from './memoryHandoffStore';
export { RedisHandoffStore } from './redisHandoffStore';
