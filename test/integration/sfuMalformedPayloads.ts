import { SfuEvents } from '@parley/protocol';

const id = 'x';

/** One malformed payload per `sfu:*` event (and a few more): each must get `bad_request`. */
export const malformedSfuPayloads: Array<[string, unknown]> = [
  [SfuEvents.getCapabilities, {}],
  [SfuEvents.getCapabilities, 'meeting'],
  [SfuEvents.createTransport, { meetingId: id, direction: 'both' }],
  [SfuEvents.connectTransport, { meetingId: id, transportId: id }],
  [SfuEvents.connectTransport, { meetingId: id, transportId: id, dtlsParameters: { fingerprints: 'no' } }],
  [SfuEvents.restartIce, { meetingId: id }],
  [SfuEvents.produce, { meetingId: id, transportId: id, kind: 'audio', rtpParameters: { codecs: [] } }],
  [
    SfuEvents.produce,
    { meetingId: id, transportId: id, kind: 'smell', rtpParameters: { codecs: [] }, appData: { source: 'mic' } },
  ],
  [
    SfuEvents.produce,
    { meetingId: id, transportId: id, kind: 'audio', rtpParameters: { codecs: [] }, appData: { source: 'tv' } },
  ],
  [SfuEvents.pauseProducer, { meetingId: id }],
  [SfuEvents.resumeProducer, { meetingId: id, producerId: 5 }],
  [SfuEvents.closeProducer, null],
  [SfuEvents.getProducers, { meetingId: '' }],
  [SfuEvents.consume, { meetingId: id, transportId: id, producerId: id }],
  [SfuEvents.resumeConsumer, { meetingId: id }],
  [SfuEvents.pauseConsumer, { meetingId: id, consumerId: [] }],
  [SfuEvents.setPreferredLayers, { meetingId: id, consumerId: id, spatialLayer: 3 }],
  [SfuEvents.reportTiles, { meetingId: id, tiles: [{ consumerId: id, width: 1, height: 1 }] }],
  [SfuEvents.reportTiles, { meetingId: id, tiles: 'all' }],
];
