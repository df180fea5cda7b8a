import { registerSessionFactory } from './MeetingSession.js';
import { MeshSession } from './MeshSession.js';

registerSessionFactory('mesh', (context) => new MeshSession(context));
