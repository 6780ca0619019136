/** The typing helpers plugin authors import from `krakend-connect/plugin`. */
export { defineClientPlugin, defineHandlerPlugin, defineModifierPlugin } from '../plugin.js';
