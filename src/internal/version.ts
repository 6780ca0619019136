/** The KrakenD CE version whose behaviour krakend-connect follows and announces. */
export const KRAKEND_VERSION = '2.13.8';
export const VERSION_HEADER_VALUE = `Version ${KRAKEND_VERSION}`;
export const USER_AGENT = `KrakenD Version ${KRAKEND_VERSION}`;
