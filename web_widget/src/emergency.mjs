// Numbers shown when the gateway cannot be reached. They are part of the bundle (not fetched)
// so they appear even when nothing else loads. Source: /work/shared/data/nl/facts.md
// (112 [S72]; Veilig Thuis 0800-2000 [S72, S81]; Centrum Seksueel Geweld 0800-0188 [S90, S91]).
export const EMERGENCY_NUMBERS = Object.freeze([
  Object.freeze({ key: 'emergency', number: '112', name: '112' }),
  Object.freeze({ key: 'veilig_thuis', number: '0800-2000', name: 'Veilig Thuis' }),
  Object.freeze({ key: 'csg', number: '0800-0188', name: 'Centrum Seksueel Geweld' }),
]);

// Last-resort labels, used only if the language files themselves cannot be loaded.
export const BUILTIN_STRINGS = Object.freeze({
  title: 'Chat',
  quick_exit: 'Leave this site',
  offline_title: 'The chat cannot be reached right now.',
  offline_help: 'You can call for help:',
  number_emergency: 'In danger right now:',
  number_veilig_thuis: 'Veilig Thuis (domestic violence, child abuse), free, 24/7:',
  number_csg: 'Centrum Seksueel Geweld (sexual violence), free, 24/7:',
});
