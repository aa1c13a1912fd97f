import { inject } from 'vitest';
import { installContractFetch } from '../support/contract.ts';

// Tests that fetch pages, links or HEAD directly are held to the route table like `call`
// (which checks its own answers): every answer from the local API goes through the contract.
installContractFetch(inject('runtime').apiUrl);
