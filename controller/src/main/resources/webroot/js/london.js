// Where each London council sits in the "London squared" tile map: an 8 x 7 grid in which every
// borough keeps its neighbours and its side of the Thames (layout after After the Flood's London
// Squared). [column, row] from the top left, and the three-letter code the seed uses in circuit ids
// (LPSN-CAM-0001).
export const LONDON_COLUMNS = 8;
export const LONDON_ROWS = 7;

export const LONDON = {
  enfield: [4, 0, 'ENF'],

  harrow: [2, 1, 'HRW'],
  barnet: [3, 1, 'BAR'],
  haringey: [4, 1, 'HGY'],
  'waltham-forest': [5, 1, 'WFO'],

  hillingdon: [0, 2, 'HIL'],
  ealing: [1, 2, 'EAL'],
  brent: [2, 2, 'BRE'],
  camden: [3, 2, 'CAM'],
  islington: [4, 2, 'ISL'],
  hackney: [5, 2, 'HAC'],
  redbridge: [6, 2, 'RED'],
  havering: [7, 2, 'HAV'],

  hounslow: [0, 3, 'HOU'],
  'hammersmith-and-fulham': [1, 3, 'HAF'],
  'kensington-and-chelsea': [2, 3, 'KAC'],
  westminster: [3, 3, 'WST'],
  'city-of-london': [4, 3, 'COL'],
  'tower-hamlets': [5, 3, 'TWH'],
  newham: [6, 3, 'NWM'],
  'barking-and-dagenham': [7, 3, 'BDG'],

  'richmond-upon-thames': [1, 4, 'RUT'],
  wandsworth: [2, 4, 'WND'],
  lambeth: [3, 4, 'LAM'],
  southwark: [4, 4, 'SWK'],
  lewisham: [5, 4, 'LEW'],
  greenwich: [6, 4, 'GRE'],
  bexley: [7, 4, 'BEX'],

  'kingston-upon-thames': [2, 5, 'KUT'],
  merton: [3, 5, 'MRT'],
  croydon: [4, 5, 'CRO'],
  bromley: [5, 5, 'BRO'],

  sutton: [3, 6, 'SUT'],
};

/** Codes of councils outside London that the seeds know; others get one made from their id. */
const OTHER_CODES = {
  cambridgeshire: 'CAM',
  essex: 'ESX',
  hertfordshire: 'HRT',
  norfolk: 'NFK',
  suffolk: 'SFK',
};

/** A council's short code for its tile. */
export function councilCode(id) {
  if (LONDON[id]) return LONDON[id][2];
  if (OTHER_CODES[id]) return OTHER_CODES[id];
  const words = String(id).split('-').filter((w) => w && !['and', 'of', 'upon', 'the'].includes(w));
  const code = words.length >= 3 ? words.map((w) => w[0]).join('') : (words[0] || String(id)).slice(0, 3);
  return code.slice(0, 4).toUpperCase();
}

/** A council's name without its title, for tables: "London Borough of Camden" -> "Camden". */
export function shortName(name) {
  return String(name || '')
    .replace(/^(London Borough of|Royal Borough of) /, '')
    .replace(/ (County Council|Corporation)$/, '');
}

const REGION_NAMES = { london: 'London', eastern: 'Eastern region' };

export function regionName(region) {
  if (!region) return 'Other councils';
  return REGION_NAMES[region] || region.replace(/(^|-)(.)/g, (m, dash, c) => (dash ? ' ' : '') + c.toUpperCase());
}
