/**
 * dynalite in a process of its own (`startTestDynamo(name, { ownProcess: true })`): a benchmark that runs every Lambda,
 * the engine and the simulator in one process gives DynamoDB its own CPU, as the real service has. Tells its parent the
 * port over IPC, and ends with its parent.
 */
import createDynalite from 'dynalite';

const server = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
