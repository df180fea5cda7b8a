import { LazySession } from './LazySession.js';
import { registerSessionFactory } from './MeetingSession.js';

// SFU mode loads mediasoup-client on first use: mesh calls never download it.
registerSessionFactory(
  'sfu',
  (context) => new LazySession('sfu', () => import('../sfu/SfuSession.js').then(({ SfuSession }) => new SfuSession(context))),
);
