import path from 'node:path';
import { type Rule, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';

// eslint.rules.cjs is plain CommonJS, shared with eslint.config.mjs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rules } = require('../../eslint.rules.cjs') as { rules: Record<string, Rule.RuleModule> };

const root = path.resolve(__dirname, '../..');
const at = (file: string) => path.join(root, file);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, sourceType: 'module' } });

describe('import-boundaries', () => {
  tester.run('import-boundaries', rules['import-boundaries'], {
    valid: [
      { code: "import { Money } from '@app/money';", filename: at('libs/ledger/src/ledger.service.ts') },
      { code: "import { x } from './ledger.repository';", filename: at('libs/ledger/src/ledger.service.ts') },
      { code: "import { x } from '../metrics/paycheck-metrics';", filename: at('libs/observability/src/logging/a.ts') },
      { code: "import { LedgerModule } from '@app/ledger';", filename: at('apps/server/src/api-app.module.ts') },
      { code: "import { x } from '../../libs/database/src/postgres-url';", filename: at('test/support/global-setup.ts') },
    ],
    invalid: [
      { code: "import { x } from '@app/money/src/amount';", filename: at('libs/ledger/src/a.ts'), errors: [{ messageId: 'boundary' }] },
      { code: "import { x } from '../../money/src/amount';", filename: at('libs/ledger/src/a.ts'), errors: [{ messageId: 'boundary' }] },
      { code: "export { x } from '../../money/src/amount';", filename: at('libs/ledger/src/a.ts'), errors: [{ messageId: 'boundary' }] },
      {
        code: "import { main } from '../../../apps/server/src/main';",
        filename: at('libs/ledger/src/a.ts'),
        errors: [{ messageId: 'boundary' }],
      },
      { code: "import { LedgerService } from '@app/ledger';", filename: at('libs/ledger/src/a.ts'), errors: [{ messageId: 'boundary' }] },
      {
        code: "import { x } from '../../../libs/ledger/src/ledger.service';",
        filename: at('apps/server/src/a.ts'),
        errors: [{ messageId: 'boundary' }],
      },
    ],
  });
});
