import { SfuSession } from '../sfu/SfuSession.js';
import { registerSessionFactory } from './MeetingSession.js';

registerSessionFactory('sfu', (context) => new SfuSession(context));
